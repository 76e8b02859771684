"""Exports written by the worker: a list's rows as a workbook, off the web request."""
