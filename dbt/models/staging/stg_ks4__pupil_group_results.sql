{#- KS4 results of every pupil group and subject the files publish, long: see macro pupil_group_results. -#}
{{ pupil_group_results('KS4', source('raw', 'raw_ks4')) }}
