{#- '2023-24' -> '2022-23'. -#}
{% macro previous_academic_year(academic_year_column) -%}
    (
        cast(cast(left({{ academic_year_column }}, 4) as integer) - 1 as varchar)
        || '-'
        || right(cast(cast(left({{ academic_year_column }}, 4) as integer) as varchar), 2)
    )
{%- endmacro %}

{#- DfE publishes provisional, then revised, then final data for the same year: later versions replace earlier ones. -#}
{% macro data_version_rank(data_version_column) -%}
    case {{ data_version_column }}
        when 'final' then 3
        when 'revised' then 2
        when 'provisional' then 1
        else 0
    end
{%- endmacro %}

{#- '2018-19' -> 2019-08-31: the last day of the academic year, the date a year's results and census are dated by. -#}
{% macro academic_year_end_date(academic_year_column) -%}
    make_date(cast(left({{ academic_year_column }}, 4) as integer) + 1, 8, 31)
{%- endmacro %}
