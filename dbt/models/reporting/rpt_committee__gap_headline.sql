{#- The narrowing-the-gap headline measure for each key stage. -#}
{%- set headline_gap_measures = ['ks2_rwm_expected_pct', 'ks4_attainment8_score'] -%}

with

gaps as (

    select * from {{ ref('fct_disadvantaged_gap') }}
    where measure_code in ('{{ headline_gap_measures | join("', '") }}')

),

la_gaps as (

    select * from gaps
    where geography_level = 'la'
        and la_code = {{ var('la_code') }}

),

national_gaps as (

    select * from gaps
    where geography_level = 'national'

),

final as (

    select
        la_gaps.academic_year,
        la_gaps.key_stage,
        la_gaps.measure_name,
        la_gaps.disadvantaged_value as la_disadvantaged_value,
        la_gaps.national_other_value,
        -- DfE definition: LA disadvantaged pupils minus national other pupils.
        la_gaps.disadvantaged_gap as la_gap,
        national_gaps.disadvantaged_gap as national_gap
    from la_gaps
    left join national_gaps
        on national_gaps.academic_year = la_gaps.academic_year
        and national_gaps.measure_code = la_gaps.measure_code

)

select * from final
