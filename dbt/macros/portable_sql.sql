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

{#- Every column of `relation` (a ref or source) but those in `except`, qualified by `alias` when given: DuckDB's
    `* exclude (...)`. Elsewhere the columns are read from the built relation, in its order. -#}
{% macro star_except(relation, except, alias=none) -%}
    {{ return(adapter.dispatch('star_except')(relation, except, alias)) }}
{%- endmacro %}

{% macro duckdb__star_except(relation, except, alias) -%}
    {{ alias ~ '.' if alias }}* exclude ({{ except | join(', ') }})
{%- endmacro %}

{% macro default__star_except(relation, except, alias) -%}
    {%- if not execute -%}{{ return('*') }}{%- endif -%}
    {%- set kept = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) if column.name | lower not in except -%}
        {%- do kept.append((alias ~ '.' if alias else '') ~ adapter.quote(column.name)) -%}
    {%- endfor -%}
    {%- if not kept -%}
        {{ exceptions.raise_compiler_error("star_except: no columns left of " ~ relation ~ " (is it built?)") }}
    {%- endif -%}
    {{ kept | join(', ') }}
{%- endmacro %}

{#- The most frequent value of `field` in a group: DuckDB's mode(); PostgreSQL's ordered-set mode() (ties go to the
    first value in sort order there). -#}
{% macro most_common(field) -%}
    {{ return(adapter.dispatch('most_common')(field)) }}
{%- endmacro %}

{% macro duckdb__most_common(field) -%}
    mode({{ field }})
{%- endmacro %}

{% macro default__most_common(field) -%}
    mode() within group (order by {{ field }})
{%- endmacro %}

{#- `expression` rounded to `places` decimal places (a constant or an expression), as a double, the way DuckDB's
    round(double, places) does it: scaled, rounded half away from zero, scaled back. PostgreSQL has
    round(numeric, places) only, and its round of a double goes half to even, so the same steps are written out
    there. -#}
{% macro round_to(expression, places) -%}
    {{ return(adapter.dispatch('round_to')(expression, places)) }}
{%- endmacro %}

{% macro duckdb__round_to(expression, places) -%}
    round({{ expression }}, {{ places }})
{%- endmacro %}

{% macro default__round_to(expression, places) -%}
    {%- set scale = 'power(cast(10 as double precision), ' ~ places ~ ')' -%}
    (sign(({{ expression }}) * {{ scale }}) * floor(abs(({{ expression }}) * {{ scale }}) + 0.5) / {{ scale }})
{%- endmacro %}

{#- The value of `field` on the row where `ordering` is greatest (rows with either NULL left out): DuckDB's
    arg_max. -#}
{% macro value_at_max(field, ordering) -%}
    {{ return(adapter.dispatch('value_at_max')(field, ordering)) }}
{%- endmacro %}

{% macro duckdb__value_at_max(field, ordering) -%}
    arg_max({{ field }}, {{ ordering }})
{%- endmacro %}

{% macro default__value_at_max(field, ordering) -%}
    (array_agg({{ field }} order by {{ ordering }} desc) filter (where {{ field }} is not null and {{ ordering }} is not null))[1]
{%- endmacro %}

{#- Any one value of `field` in a group, where the group holds one: DuckDB's any_value (PostgreSQL 16 has it too;
    15, Debian's, does not, and min gives a value of the group). -#}
{% macro any_one(field) -%}
    {{ return(adapter.dispatch('any_one')(field)) }}
{%- endmacro %}

{% macro duckdb__any_one(field) -%}
    any_value({{ field }})
{%- endmacro %}

{% macro default__any_one(field) -%}
    min({{ field }})
{%- endmacro %}

{#- True where `left_expression` and `right_expression` are equal or both NULL (IS NOT DISTINCT FROM), for join
    conditions. PostgreSQL can neither hash nor merge IS NOT DISTINCT FROM, so a join on it compares every pair of
    rows the other conditions match; one-element arrays compare NULLs as equal and hash. -#}
{% macro null_safe_equals(left_expression, right_expression) -%}
    {{ return(adapter.dispatch('null_safe_equals')(left_expression, right_expression)) }}
{%- endmacro %}

{% macro duckdb__null_safe_equals(left_expression, right_expression) -%}
    {{ left_expression }} is not distinct from {{ right_expression }}
{%- endmacro %}

{% macro default__null_safe_equals(left_expression, right_expression) -%}
    array[{{ left_expression }}] = array[{{ right_expression }}]
{%- endmacro %}

{#- True where `field` matches the regular expression `pattern` (a literal, case-sensitive): DuckDB's regexp_matches.
    PostgreSQL spells a word boundary \y where DuckDB's RE2 spells it \b. -#}
{% macro matches_regex(field, pattern) -%}
    {{ return(adapter.dispatch('matches_regex')(field, pattern)) }}
{%- endmacro %}

{% macro duckdb__matches_regex(field, pattern) -%}
    regexp_matches({{ field }}, '{{ pattern }}')
{%- endmacro %}

{% macro default__matches_regex(field, pattern) -%}
    ({{ field }} ~ '{{ pattern | replace('\\b', '\\y') }}')
{%- endmacro %}


{#- The last non-NULL value of `field` within `window` (a window name, or a parenthesised spec that includes its
    frame): DuckDB's last_value(... ignore nulls). PostgreSQL has no IGNORE NULLS, so it collects the frame's
    non-NULL values in frame order and takes the last (an empty frame gives NULL). -#}
{% macro last_non_null(field, window) -%}
    {{ return(adapter.dispatch('last_non_null')(field, window)) }}
{%- endmacro %}

{% macro duckdb__last_non_null(field, window) -%}
    last_value({{ field }} ignore nulls) over {{ window }}
{%- endmacro %}

{% macro default__last_non_null(field, window) -%}
    (array_agg({{ field }}) filter (where {{ field }} is not null) over {{ window }})[count({{ field }}) over {{ window }}]
{%- endmacro %}

{#- True where `field` matches the regular expression held in `pattern` (an expression, e.g. a seed column), in any
    case: DuckDB's regexp_matches(..., 'i'); PostgreSQL's ~*. -#}
{% macro matches_pattern(field, pattern) -%}
    {{ return(adapter.dispatch('matches_pattern')(field, pattern)) }}
{%- endmacro %}

{% macro duckdb__matches_pattern(field, pattern) -%}
    regexp_matches({{ field }}, {{ pattern }}, 'i')
{%- endmacro %}

{% macro default__matches_pattern(field, pattern) -%}
    ({{ field }} ~* {{ pattern }})
{%- endmacro %}

{#- `pattern` filled with `args` (a list of SQL expressions), NULL where any of them is NULL: DuckDB's
    printf(pattern, args...). Elsewhere the pattern is cut at its specifiers and glued back with ||, for the
    specifiers the project uses: %% a percent sign, %s and %d a value as text, %.Nf and %+.Nf a number to N places
    (PostgreSQL's to_char of a double rounds the exact binary value, ties to even, as printf does, and writes a
    negative number rounding to zero as '-0'). -#}
{% macro format_string(pattern, args) -%}
    {{ return(adapter.dispatch('format_string')(pattern, args)) }}
{%- endmacro %}

{% macro duckdb__format_string(pattern, args) -%}
    printf('{{ pattern | replace("'", "''") }}', {{ args | join(', ') }})
{%- endmacro %}

{% macro default__format_string(pattern, args) -%}
    {%- set tokens = modules.re.split('(%%|%[+]?(?:[.][0-9]+)?[fds])', pattern) -%}
    {%- set pieces = [] -%}
    {%- set used = namespace(count=0) -%}
    {%- for token in tokens -%}
        {%- if loop.index is odd -%}
            {%- if token -%}{%- do pieces.append("'" ~ token | replace("'", "''") ~ "'") -%}{%- endif -%}
        {%- elif token == '%%' -%}
            {%- do pieces.append("'%'") -%}
        {%- else -%}
            {%- if used.count >= args | length -%}
                {{ exceptions.raise_compiler_error("format_string: too few arguments for '" ~ pattern ~ "'") }}
            {%- endif -%}
            {%- set arg = args[used.count] -%}
            {%- set used.count = used.count + 1 -%}
            {%- if token.endswith('f') -%}
                {%- set places = (token.split('.')[1][:-1] | int) if '.' in token else 6 -%}
                {%- set picture = 'FM' ~ ('S' if '+' in token else '') ~ '999999999990' ~ ('.' ~ '0' * places if places > 0 else '') -%}
                {%- do pieces.append("to_char(cast(" ~ arg ~ " as double precision), '" ~ picture ~ "')") -%}
            {%- else -%}
                {%- do pieces.append("cast(" ~ arg ~ " as varchar)") -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if used.count != args | length -%}
        {{ exceptions.raise_compiler_error("format_string: " ~ args | length ~ " arguments for " ~ used.count ~ " specifiers in '" ~ pattern ~ "'") }}
    {%- endif -%}
    ({{ pieces | join(' || ') }})
{%- endmacro %}

{#- Space-separated lists held in one text column (seed columns such as due_terms 'autumn summer' or
    counted_visit_types 'core additional'): DuckDB splits them into lists; PostgreSQL into arrays. -#}

{#- True where `value` is one of the space-separated items of `list_text` (NULL where `list_text` is NULL):
    DuckDB's list_contains(string_split(...)). -#}
{% macro in_spaced_list(value, list_text) -%}
    {{ return(adapter.dispatch('in_spaced_list')(value, list_text)) }}
{%- endmacro %}

{% macro duckdb__in_spaced_list(value, list_text) -%}
    list_contains(string_split({{ list_text }}, ' '), {{ value }})
{%- endmacro %}

{% macro default__in_spaced_list(value, list_text) -%}
    ({{ value }} = any(string_to_array({{ list_text }}, ' ')))
{%- endmacro %}

{#- The number of space-separated items of `list_text`, empty items included: DuckDB's len(string_split(...)).
    Counted from the spaces elsewhere, since PostgreSQL's string_to_array gives no items for an empty string
    where DuckDB's string_split gives one. -#}
{% macro spaced_list_length(list_text) -%}
    {{ return(adapter.dispatch('spaced_list_length')(list_text)) }}
{%- endmacro %}

{% macro duckdb__spaced_list_length(list_text) -%}
    len(string_split({{ list_text }}, ' '))
{%- endmacro %}

{% macro default__spaced_list_length(list_text) -%}
    (length({{ list_text }}) - length(replace({{ list_text }}, ' ', '')) + 1)
{%- endmacro %}
