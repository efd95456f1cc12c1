{#- KS4 national comparators: England's state-funded row (macro national_comparators). -#}
{{ national_comparators('ks4') }}
