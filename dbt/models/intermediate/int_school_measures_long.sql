{#- Every school measure of seed measure_dictionary in long form, under the URN that published it. -#}
with

ks2 as (

    select * from {{ ref('stg_ks2__school_results') }}

),

ks4 as (

    select * from {{ ref('stg_ks4__school_results') }}

),

census as (

    select * from {{ ref('stg_census__school_census') }}
    where not is_national_row

),

absence_with_census as (

    select
        absence_rows.*,
        census.pupils_on_roll,
        census.school_type
    from {{ ref('stg_absence__school_absence') }} as absence_rows
    left join census
        on census.urn = absence_rows.urn
        and census.academic_year = absence_rows.academic_year

),

-- The latest version of each school's absence row, with its census pupils on roll as the weight.
absence as (

    {{ keep_rows('absence_with_census', 'row_number() over (partition by urn, academic_year order by '
        ~ data_version_rank('data_version') ~ ' desc) = 1') }}

),

unpivoted as (

    {%- for measure_code, source, column, weight in school_measures() %}
    select
        urn,
        academic_year,
        la_code,
        '{{ measure_code }}' as measure_code,
        {{ column }} as measure_value,
        {{ column }}_reason as measure_value_reason,
        {%- if source in ('census', 'absence') %}
        coalesce(school_type not in ('Independent school', 'Non-maintained special school'), true) as is_state_funded,
        coalesce(school_type in ('State-funded special school', 'Non-maintained special school'), false) as is_special_school,
        {%- else %}
        is_state_funded,
        is_special_school,
        {%- endif %}
        {{ weight }} as weight_pupils,
        data_version
    from {{ source }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

final as (

    select
        cast(urn as integer) as urn,
        academic_year,
        cast(la_code as integer) as la_code,
        measure_code,
        cast(measure_value as double precision) as measure_value,
        measure_value_reason,
        {{ measure_status('measure_value', 'measure_value_reason') }} as measure_status,
        is_state_funded,
        is_special_school,
        cast(weight_pupils as double precision) as weight_pupils,
        data_version
    from unpivoted

)

select * from final
