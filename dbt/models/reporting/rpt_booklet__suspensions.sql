{#- Booklet suspensions: each booklet school's suspensions and permanent exclusions for every published year,
    beside the LA's and England's rates for its phase. The counts travel with the rates so the booklet can hold
    back a figure about too few pupils (disclosure control). -#}
with

schools as (

    select * from {{ ref('rpt_booklet__schools') }}

),

suspensions as (

    select * from {{ ref('fct_school_suspensions') }}

),

phases as (

    select distinct phase_code, phase_name from {{ ref('absence_phases') }}

),

final as (

    select
        suspensions.urn,
        suspensions.academic_year,
        coalesce(phases.phase_name, 'alternative provision') as phase_name,
        suspensions.pupils_on_roll,
        suspensions.suspensions,
        suspensions.suspension_rate,
        suspensions.suspension_rate_reason,
        suspensions.suspension_rate_change,
        suspensions.pupils_suspended,
        suspensions.pupils_suspended_pct,
        suspensions.pupils_suspended_pct_reason,
        suspensions.permanent_exclusions,
        suspensions.permanent_exclusions_reason,
        suspensions.la_suspension_rate,
        suspensions.national_suspension_rate
    from suspensions
    inner join schools
        on schools.urn = suspensions.urn
    left join phases
        on phases.phase_code = suspensions.phase_code

)

select * from final
