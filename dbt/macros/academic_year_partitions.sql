{#- Rows of the academic years being built. Dagster passes the partition(s) of the run as
    --vars '{"academic_years": ["2022-23", "2023-24"]}'; without the var (a plain `dbt build`) every year is built.
    With the var, the incremental staging models delete+insert exactly those years. -#}
{% macro academic_year_filter(column_name='academic_year') -%}
    {%- set years = var('academic_years', none) -%}
    {%- if years is none -%}
        true
    {%- elif years | length == 0 -%}
        false
    {%- else -%}
        {{ column_name }} in ({% for year in years %}'{{ year }}'{{ ", " if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}
