{#- Booklet context: each booklet school's census figures (pupils on roll, FSM, EAL, SEN) for every year. -#}
with

schools as (

    select * from {{ ref('rpt_booklet__schools') }}

),

census as (

    select * from {{ ref('stg_census__school_census') }}
    where not is_national_row

),

final as (

    select
        census.urn,
        census.academic_year,
        census.pupils_on_roll,
        census.pupils_on_roll_reason,
        census.fsm_ever_pct,
        census.fsm_ever_pct_reason,
        census.eal_pct,
        census.eal_pct_reason,
        census.sen_support_pct,
        census.sen_support_pct_reason,
        census.ehc_plan_pct,
        census.ehc_plan_pct_reason,
        census.data_version
    from census
    inner join schools
        on schools.urn = census.urn

)

select * from final
