{#- Join condition that picks the significance band (seed significance_bands) for a progress score and its
    95% confidence interval. A row matches when its confidence-interval condition holds and the score lies in
    [score_at_least, score_below). NULL scores or limits match no band. -#}
{% macro significance_band_join(bands, key_stage, score, lower, upper) -%}
    {{ bands }}.key_stage = {{ key_stage }}
    and (
        ({{ bands }}.confidence_interval_condition = 'lower_above_zero' and {{ lower }} > 0)
        or ({{ bands }}.confidence_interval_condition = 'upper_below_zero' and {{ upper }} < 0)
        or ({{ bands }}.confidence_interval_condition = 'spans_zero' and {{ lower }} <= 0 and {{ upper }} >= 0)
    )
    and ({{ bands }}.score_at_least is null or {{ score }} >= {{ bands }}.score_at_least)
    and ({{ bands }}.score_below is null or {{ score }} < {{ bands }}.score_below)
{%- endmacro %}
