"""Reports from the contracted rpt_ models: data, words, disclosure control, charts, rendering, publishing."""
