# coding: unicode_escape
