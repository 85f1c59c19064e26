"""Spiders. One generic spider reads any source file of the registry."""
