{#- The rows of a dated rule seed in force on a date of each spine row: the version effective on `on_date` (the most
    recently effective when several overlap), joined to the spine's `keys`. One definition for every rule seed with
    rule_version / effective_from / effective_to (entitlement, day allocation, visit lengths, daily rates). -#}
{% macro rules_in_force(spine, rules, keys, on_date='judged_to') %}
    {{ return(adapter.dispatch('rules_in_force')(spine, rules, keys, on_date)) }}
{% endmacro %}

{% macro _rules_in_force_version(spine, rules, keys) -%}
    first_value({{ rules }}.rule_version) over (
        partition by {% for key in keys %}{{ spine }}.{{ key }}{{ ', ' if not loop.last }}{% endfor %}
        order by {{ rules }}.effective_from desc, {{ rules }}.rule_version desc
    )
{%- endmacro %}

{% macro _rules_in_force_join(spine, rules, on_date) -%}
    from {{ spine }}
    inner join {{ rules }}
        on {{ rules }}.effective_from <= {{ spine }}.{{ on_date }}
        and ({{ rules }}.effective_to is null or {{ rules }}.effective_to > {{ spine }}.{{ on_date }})
{%- endmacro %}

{% macro duckdb__rules_in_force(spine, rules, keys, on_date) %}
    select
        {%- for key in keys %}
        {{ spine }}.{{ key }},
        {%- endfor %}
        {{ rules }}.*
    {{ _rules_in_force_join(spine, rules, on_date) }}
    qualify {{ rules }}.rule_version = {{ _rules_in_force_version(spine, rules, keys) }}
{% endmacro %}

{#- Without QUALIFY: the rule row travels whole (a row value) beside the version in force, and is expanded after. -#}
{% macro default__rules_in_force(spine, rules, keys, on_date) %}
    select
        {%- for key in keys %}
        candidates.{{ key }},
        {%- endfor %}
        (candidates.rule_row).*
    from (
        select
            {%- for key in keys %}
            {{ spine }}.{{ key }},
            {%- endfor %}
            {{ rules }} as rule_row,
            {{ rules }}.rule_version = {{ _rules_in_force_version(spine, rules, keys) }} as is_in_force
        {{ _rules_in_force_join(spine, rules, on_date) }}
    ) as candidates
    where candidates.is_in_force
{% endmacro %}
