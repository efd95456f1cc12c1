{#- Rows of the academic years being built. Dagster passes the partition(s) of the run in the environment,
    SI_DBT_ACADEMIC_YEARS='2022-23,2023-24', not as --vars: a run's vars then stay those of the last parse, and dbt
    re-parses only the models calling this macro rather than the whole project. Unset or '*' (a plain `dbt build`)
    builds every year, '' none; the incremental staging models replace exactly the years named (see
    replace_academic_years below). -#}
{% macro academic_year_filter(column_name='academic_year') -%}
    {%- set requested = env_var('SI_DBT_ACADEMIC_YEARS', '*') | trim -%}
    {%- if requested == '*' -%}
        true
    {%- elif requested == '' -%}
        false
    {%- else -%}
        {%- set years = requested.split(',') | map('trim') | list -%}
        {{ column_name }} in ({% for year in years %}'{{ year }}'{{ ", " if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{#- Custom incremental strategy `replace_academic_years` (incremental_strategy='replace_academic_years'), used by
    every model tagged academic_year_partitioned. An incremental run deletes every row of the run's academic years
    from the target, then inserts the new batch (which the model selects with the same academic_year_filter).
    Built-in delete+insert by academic_year deletes only the years present in the new batch, so a year whose raw
    rows are gone (an empty batch) would keep last run's rows; here the run's years are emptied either way.
    Without SI_DBT_ACADEMIC_YEARS every year is replaced; with it empty nothing is. The first run and --full-refresh
    create the table as usual. -#}
{% macro get_incremental_replace_academic_years_sql(arg_dict) -%}
    delete from {{ arg_dict['target_relation'] }} where {{ academic_year_filter() }};
    {{ get_insert_into_sql(arg_dict['target_relation'], arg_dict['temp_relation'], arg_dict['dest_columns']) }}
{%- endmacro %}
