"""A Django app holding the reference models of the ModelForm differential tests."""
