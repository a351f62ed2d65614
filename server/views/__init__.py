"""Turning domain data into view data: labels and sentences, SVG charts, the network map."""
