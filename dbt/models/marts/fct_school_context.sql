{#- School context per year: census (FSM, EAL, SEN %) and absence, each with its status and the LA and national
    figures, one row per school and year (wide form of the context and absence rows of fct_school_measure_comparison). -#}
{%- set context_measures = [
    ('census_fsm_ever_pct', 'fsm_ever_pct'),
    ('census_eal_pct', 'eal_pct'),
    ('census_sen_support_pct', 'sen_support_pct'),
    ('census_ehc_plan_pct', 'ehc_plan_pct'),
    ('absence_overall_pct', 'overall_absence_pct'),
    ('absence_persistent_pct', 'persistent_absence_pct'),
] -%}

with

comparisons as (

    select * from {{ ref('fct_school_measure_comparison') }}
    where key_stage in ('context', 'absence')

),

absence_rows as (

    select * from {{ ref('stg_absence__school_absence') }}

),

absence as (

    {{ keep_rows('absence_rows', 'row_number() over (
        partition by urn, academic_year order by ' ~ data_version_rank('data_version') ~ ' desc
    ) = 1') }}

),

census as (

    select * from {{ ref('stg_census__school_census') }}
    where not is_national_row

),

pivoted as (

    select
        urn,
        academic_year,
        max(la_code) as la_code,
        {%- for measure_code, column in context_measures %}
        max(case when measure_code = '{{ measure_code }}' then value end) as {{ column }},
        max(case when measure_code = '{{ measure_code }}' then value_status end) as {{ column }}_status,
        max(case when measure_code = '{{ measure_code }}' then la_value end) as {{ column }}_la,
        max(case when measure_code = '{{ measure_code }}' then national_value end) as {{ column }}_national,
        {%- endfor %}
        bool_or(is_from_predecessor) as is_from_predecessor
    from comparisons
    group by urn, academic_year

),

final as (

    select
        pivoted.urn,
        pivoted.academic_year,
        cast(pivoted.la_code as integer) as la_code,
        cast(census.pupils_on_roll as double precision) as pupils_on_roll,
        {%- for measure_code, column in context_measures %}
        pivoted.{{ column }},
        pivoted.{{ column }}_status,
        {{ round_to('pivoted.' ~ column ~ '_la', 1) }} as {{ column }}_la,
        {{ round_to('pivoted.' ~ column ~ '_national', 1) }} as {{ column }}_national,
        {%- endfor %}
        cast(absence.persistent_absence_threshold_pct as integer) as persistent_absence_threshold_pct,
        pivoted.is_from_predecessor
    from pivoted
    left join census
        on census.urn = pivoted.urn
        and census.academic_year = pivoted.academic_year
    left join absence
        on absence.urn = pivoted.urn
        and absence.academic_year = pivoted.academic_year

)

select * from final
