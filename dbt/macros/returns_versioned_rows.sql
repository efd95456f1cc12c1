{#- Rows of one LA return joined to its accepted versions: only the version in force, or every version (history).
    Used by the stg_returns__* models so each states only its columns. -#}
{% macro returns_versioned_rows(return_name, columns, in_force_only=true) %}
with

versions as (

    select * from {{ ref('stg_returns__versions') }}
    where return_name = '{{ return_name }}'
    {%- if in_force_only %}
        and is_in_force
    {%- endif %}

),

returned as (

    select * from {{ source('raw_returns', 'raw_returns__' ~ return_name) }}

),

final as (

    select
        {%- for column in columns %}
        returned.{{ column }},
        {%- endfor %}
        versions.version_number,
        versions.return_as_at,
        versions.valid_from,
        versions.valid_to,
        versions.is_in_force,
        versions.return_version,
        returned.source_file,
        returned.source_row_number
    from returned
    inner join versions
        on versions.return_version = returned.return_version

)

select * from final
{% endmacro %}
