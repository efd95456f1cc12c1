{#- LA and national values of every measure in seed measure_dictionary, long form. LA figures are the
    published LA rows where DfE has one (else recomputed pupil-weighted from state-funded school rows, see
    int_ks2_la_comparators); census LA figures are recomputed from school rows weighted by pupils on roll. -#}
{%- set la_sources = {'ks2': 'int_ks2_la_comparators', 'ks4': 'int_ks4_la_comparators'} -%}
{%- set national_sources = {'ks2': 'int_ks2_national_comparators', 'ks4': 'int_ks4_national_comparators'} -%}

with

census_schools as (

    select * from {{ ref('stg_census__school_census') }}
    where not is_national_row
        and school_type not in ('Independent school', 'Non-maintained special school')

),

census_national as (

    select * from {{ ref('stg_census__school_census') }}
    where is_national_row

),

-- Absence LA and national figures are recomputed from state-funded school rows weighted by pupils on roll.
school_absence as (

    select * from {{ ref('int_school_measures_long') }}
    where measure_code like 'absence_%'
        and is_state_funded

),

unpivoted as (

    {%- for measure_code, source, column, weight in school_measures() %}
    {%- if source == 'absence' %}
    select
        'la' as geography_level,
        la_code,
        academic_year,
        measure_code,
        {{ weighted_mean('measure_value', 'weight_pupils') }},
        cast(null as varchar),
        'recomputed',
        sum(case when measure_value is not null then weight_pupils end),
        max(data_version)
    from school_absence
    where measure_code = '{{ measure_code }}'
    group by la_code, academic_year, measure_code
    union all
    select
        'national',
        cast(null as integer),
        academic_year,
        measure_code,
        {{ weighted_mean('measure_value', 'weight_pupils') }},
        cast(null as varchar),
        'recomputed',
        sum(case when measure_value is not null then weight_pupils end),
        max(data_version)
    from school_absence
    where measure_code = '{{ measure_code }}'
    group by academic_year, measure_code
    {%- elif source == 'census' %}
    select
        'la' as geography_level,
        cast(la_code as integer) as la_code,
        academic_year,
        '{{ measure_code }}' as measure_code,
        {{ weighted_mean(column, weight) }}
            as measure_value,
        cast(null as varchar) as measure_value_reason,
        'recomputed' as value_source,
        sum(case when {{ column }} is not null then {{ weight }} end) as weight_pupils,
        max(data_version) as data_version
    from census_schools
    group by la_code, academic_year
    union all
    -- DfE publishes national census rows by school type: combined weighted by pupils on roll.
    select
        'national',
        cast(null as integer),
        academic_year,
        '{{ measure_code }}',
        {{ weighted_mean(column, weight) }},
        cast(null as varchar),
        'recomputed',
        sum(case when {{ column }} is not null then {{ weight }} end),
        max(data_version)
    from census_national
    group by academic_year
    {%- else %}
    select
        'la' as geography_level,
        cast(la_code as integer) as la_code,
        academic_year,
        '{{ measure_code }}' as measure_code,
        {{ column }} as measure_value,
        {{ column }}_reason as measure_value_reason,
        {{ column }}_source as value_source,
        {{ weight }} as weight_pupils,
        data_version
    from {{ ref(la_sources[source]) }}
    union all
    select
        'national',
        cast(null as integer),
        academic_year,
        '{{ measure_code }}',
        {{ column }},
        {{ column }}_reason,
        'published',
        {{ weight }},
        data_version
    from {{ ref(national_sources[source]) }}
    {%- endif %}
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

final as (

    select
        geography_level,
        la_code,
        academic_year,
        measure_code,
        cast(measure_value as double precision) as measure_value,
        measure_value_reason,
        case
            when measure_value is not null then value_source
        end as value_source,
        {{ measure_status('measure_value', 'measure_value_reason') }} as measure_status,
        cast(weight_pupils as double precision) as weight_pupils,
        data_version
    from unpivoted

)

select * from final
