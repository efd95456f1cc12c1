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

{#- True for the row of each `partition_by` key from the latest release (final over revised over provisional), and of
    that release the file loaded last: the row a staging model keeps when several files give the same figures.
    Use as `qualify {{ is_latest_release(['urn', 'academic_year']) }}`. -#}
{% macro is_latest_release(partition_by) -%}
    row_number() over (
        partition by {{ partition_by | join(', ') }}
        order by {{ data_version_rank('data_version') }} desc, loaded_at desc
    ) = 1
{%- endmacro %}

{#- '2018-19' -> 2019-08-31: the last day of the academic year, the date a year's results and census are dated by. -#}
{% macro academic_year_end_date(academic_year_column) -%}
    make_date(cast(left({{ academic_year_column }}, 4) as integer) + 1, 8, 31)
{%- endmacro %}
