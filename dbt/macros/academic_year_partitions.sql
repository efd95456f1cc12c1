{#- Rows of the academic years being built. Dagster passes the partition(s) of the run as
    --vars '{"academic_years": ["2022-23", "2023-24"]}'; without the var (a plain `dbt build`) every year is built.
    With the var, the incremental staging models replace exactly those years (see replace_academic_years below). -#}
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

{#- Custom incremental strategy `replace_academic_years` (incremental_strategy='replace_academic_years'), used by
    every model tagged academic_year_partitioned. An incremental run deletes every row of the run's academic years
    from the target, then inserts the new batch (which the model selects with the same academic_year_filter).
    Built-in delete+insert by academic_year deletes only the years present in the new batch, so a year whose raw
    rows are gone (an empty batch) would keep last run's rows; here the run's years are emptied either way.
    Without the var every year is replaced; with an empty list nothing is. The first run and --full-refresh
    create the table as usual. -#}
{% macro get_incremental_replace_academic_years_sql(arg_dict) -%}
    delete from {{ arg_dict['target_relation'] }} where {{ academic_year_filter() }};
    {{ get_insert_into_sql(arg_dict['target_relation'], arg_dict['temp_relation'], arg_dict['dest_columns']) }}
{%- endmacro %}
