{#- SQL the DuckDB warehouse writes its own way and PostgreSQL another (SI_WAREHOUSE, dbt/profiles.yml). Each macro
    dispatches on the adapter: DuckDB keeps its own syntax, so its compiled SQL is unchanged; PostgreSQL gets the
    standard equivalent. -#}

{#- The rows of `relation` (a CTE or table) for which `condition`, which may hold a window function, is true:
    DuckDB's QUALIFY. Elsewhere a subquery adds the condition as a column, `keep_row`, that the next step leaves out
    by naming its columns. -#}
{% macro keep_rows(relation, condition) -%}
    {{ return(adapter.dispatch('keep_rows')(relation, condition)) }}
{%- endmacro %}

{% macro duckdb__keep_rows(relation, condition) -%}
    select * from {{ relation }}
    qualify {{ condition }}
{%- endmacro %}

{% macro default__keep_rows(relation, condition) -%}
    select * from (
        select {{ relation }}.*, ({{ condition }}) as keep_row
        from {{ relation }}
    ) as kept
    where keep_row
{%- endmacro %}

{#- `field` as a date, NULL where it is not one (not an error): DuckDB's TRY_CAST. -#}
{% macro try_cast_date(field) -%}
    {{ return(adapter.dispatch('try_cast_date')(field)) }}
{%- endmacro %}

{% macro duckdb__try_cast_date(field) -%}
    try_cast({{ field }} as date)
{%- endmacro %}

{% macro default__try_cast_date(field) -%}
    case when {{ field }} ~ '^\d{4}-\d{2}-\d{2}$' then cast({{ field }} as date) end
{%- endmacro %}

{#- The first match of `pattern` in `field` (its first parenthesised group when it has one; NULL where there is no
    match): DuckDB's regexp_extract. -#}
{% macro regexp_first_match(field, pattern) -%}
    {{ return(adapter.dispatch('regexp_first_match')(field, pattern)) }}
{%- endmacro %}

{% macro duckdb__regexp_first_match(field, pattern) -%}
    nullif(regexp_extract({{ field }}, '{{ pattern }}', {{ 1 if '(' in pattern else 0 }}), '')
{%- endmacro %}

{% macro default__regexp_first_match(field, pattern) -%}
    substring({{ field }} from '{{ pattern }}')
{%- endmacro %}
