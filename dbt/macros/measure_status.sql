{#- Keep the special-value states apart: a NULL with SUPP is suppressed, with NP not published, and so on.
    'no data this year' is decided by the caller (the school has no results row for the year). -#}
{% macro measure_status(value_column, reason_column) -%}
    case
        when {{ value_column }} is not null then 'published'
        -- EES files (2024-25 on) use GSS symbols: c confidential, z not applicable.
        when {{ reason_column }} in ('SUPP', 'SUPP*', 'c') then 'suppressed'
        when {{ reason_column }} = 'NP' then 'not published'
        when {{ reason_column }} = 'LOWCOV' then 'low coverage'
        when {{ reason_column }} = 'NEW' then 'new school'
        when {{ reason_column }} in ('NE', 'NA', 'DNS', 'z') then 'not applicable'
        when {{ reason_column }} is not null then 'not available'
        else 'missing'
    end
{%- endmacro %}
