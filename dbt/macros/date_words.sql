{#- A date as words, '28 February 2026' (reports print versions as words, never codes). -#}
{% macro date_words(date_expression) -%}
    (cast(extract(day from {{ date_expression }}) as varchar) || ' ' || {{ format_date(date_expression, '%B %Y') }})
{%- endmacro %}
