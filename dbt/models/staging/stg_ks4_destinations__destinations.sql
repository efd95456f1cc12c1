{#- KS4 destination measures, one row per area (school, LA, England), year and pupil group (all, disadvantaged,
    other): the cohort and the shares in a sustained destination, by kind, not sustained and not captured. A year's
    tables report the pupils who finished KS4 two academic years before it. -#}
{%- set groups = [('', 'all'), ('_dis', 'disadvantaged'), ('_nondis', 'other')] -%}
{%- set shares = [
    ('overall_destper', 'sustained_pct'),
    ('educationper', 'education_pct'),
    ('apprenper', 'apprenticeship_pct'),
    ('employmentper', 'employment_pct'),
    ('not_sustainedper', 'not_sustained_pct'),
    ('unknownper', 'unknown_pct'),
] -%}
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_academic_years',
        on_schema_change='sync_all_columns',
        tags=['academic_year_partitioned'],
    )
}}

with

source as (

    select * from {{ source('raw', 'raw_ks4_destinations') }}
    where record_type <> 'national_state_funded'
        and {{ academic_year_filter() }}

),

latest as (

    {{ keep_rows('source', is_latest_release(['record_type', 'lea', 'urn', 'academic_year'])) }}

),

unpivoted as (

    {%- for suffix, group in groups %}
    select
        case
            when record_type in ('mainstream_school', 'special_school') then 'school'
            when record_type = 'local_authority' then 'la'
            else 'national'
        end as geography_level,
        urn,
        lea as la_code,
        academic_year,
        '{{ group }}' as pupil_group,
        cast(cohort{{ suffix }} as integer) as cohort_pupils,
        {%- for column, name in shares %}
        {{ column }}{{ suffix }} as {{ name }},
        {{ column }}{{ suffix }}_reason as {{ name }}_reason,
        {%- endfor %}
        data_version,
        source_file,
        source_row_number
    from latest
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

final as (

    select
        geography_level,
        urn,
        la_code,
        academic_year,
        {{ previous_academic_year(previous_academic_year('academic_year')) }} as ks4_academic_year,
        pupil_group,
        cohort_pupils,
        {%- for column, name in shares %}
        {{ name }},
        {{ name }}_reason,
        {%- endfor %}
        data_version,
        source_file,
        source_row_number
    from unpivoted

)

select * from final
