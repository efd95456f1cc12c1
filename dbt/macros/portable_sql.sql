{#- SQL the DuckDB warehouse writes its own way and PostgreSQL another (SI_WAREHOUSE, dbt/profiles.yml). Each macro
    dispatches on the adapter: DuckDB keeps its own syntax, so its compiled SQL is unchanged; PostgreSQL gets the
    standard equivalent. -#}

{#- The rows of `relation` (a CTE or table) for which `condition`, which may hold a window function, is true:
    DuckDB's QUALIFY. Elsewhere a subquery carries each row whole (a row value) beside the condition and expands
    it again, so the result has exactly the relation's columns. -#}
{% macro keep_rows(relation, condition) -%}
    {{ return(adapter.dispatch('keep_rows')(relation, condition)) }}
{%- endmacro %}

{% macro duckdb__keep_rows(relation, condition) -%}
    select * from {{ relation }}
    qualify {{ condition }}
{%- endmacro %}

{% macro default__keep_rows(relation, condition) -%}
    select (kept.row_value).* from (
        select {{ relation }} as row_value, ({{ condition }}) as keep_row
        from {{ relation }}
    ) as kept
    where kept.keep_row
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

{#- True where `field` holds one of `words` as a whole word, in any case (NULL where `field` is NULL). Word
    boundaries are \b in DuckDB's regular expressions and \y in PostgreSQL's. -#}
{% macro contains_word(field, words) -%}
    {{ return(adapter.dispatch('contains_word')(field, words)) }}
{%- endmacro %}

{% macro duckdb__contains_word(field, words) -%}
    regexp_matches({{ field }}, '\b({{ words | join('|') }})\b', 'i')
{%- endmacro %}

{% macro default__contains_word(field, words) -%}
    ({{ field }} ~* '\y({{ words | join('|') }})\y')
{%- endmacro %}

{#- `date_expression` as text in a strftime `pattern` (DuckDB's strftime; PostgreSQL's to_char with the same
    pattern in its own spelling, for the patterns the project uses). -#}
{% macro format_date(date_expression, pattern) -%}
    {{ return(adapter.dispatch('format_date')(date_expression, pattern)) }}
{%- endmacro %}

{% macro duckdb__format_date(date_expression, pattern) -%}
    strftime({{ date_expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro default__format_date(date_expression, pattern) -%}
    {%- set to_char_patterns = {'%Y%m%d': 'YYYYMMDD', '%B %Y': 'FMMonth YYYY'} -%}
    {%- if pattern not in to_char_patterns -%}
        {{ exceptions.raise_compiler_error("format_date: no to_char spelling of '" ~ pattern ~ "' yet") }}
    {%- endif -%}
    to_char({{ date_expression }}, '{{ to_char_patterns[pattern] }}')
{%- endmacro %}
