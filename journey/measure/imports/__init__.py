"""measure/imports"""
