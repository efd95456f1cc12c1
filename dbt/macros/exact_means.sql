{#- Means that come out the same on every run and on every warehouse: the sums are exact decimals (values to 12
    places, weights such as pupil counts to 6), and only the final division is in double precision. A double sum's last bits follow the
    order rows arrive in, which changes between runs (DuckDB's threads) and engines, and a mean of two-decimal
    figures can sit exactly on a rounding tie (ten neighbours' -0.535), so the published difference would flip
    between 0.04 and 0.05. -#}

{% macro exact_mean(value) -%}
    (cast(sum(cast({{ value }} as decimal(38, 12))) as double precision) / nullif(count({{ value }}), 0))
{%- endmacro %}

{#- The mean of `value` weighted by `weight` over the rows with a value (NULL where they weigh nothing). -#}
{% macro weighted_mean(value, weight) -%}
    (cast(sum(cast({{ value }} as decimal(38, 12)) * cast({{ weight }} as decimal(38, 6))) as double precision)
        / nullif(cast(sum(case when {{ value }} is not null then cast({{ weight }} as decimal(38, 6)) end) as double precision), 0))
{%- endmacro %}

{#- The sum of `value` (a double: day fractions, costs), the same on every run and warehouse. -#}
{% macro exact_sum(value) -%}
    cast(sum(cast({{ value }} as decimal(38, 12))) as double precision)
{%- endmacro %}
