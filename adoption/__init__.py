"""Enterprises, products, self-declarations, goals; indicators and drafting progress."""
