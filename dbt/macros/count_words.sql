{#- A count in words with its noun: 1 contact, 0 contacts, 3 contacts. -#}
{% macro count_words(count_expression, singular, plural) -%}
    (cast({{ count_expression }} as varchar) || case when {{ count_expression }} = 1 then ' {{ singular }}' else ' {{ plural }}' end)
{%- endmacro %}
