{#- Each school's absence row per year with the phase it is compared in and the weights used to combine schools:
    the file's own phase (EES) or the school's GIAS phase through seed absence_phases (england_abs.csv). -#}
with

absence as (

    select * from {{ ref('stg_absence__school_absence') }}

),

schools as (

    select * from {{ ref('dim_school') }}

),

phases as (

    select * from {{ ref('absence_phases') }}

),

census as (

    select * from {{ ref('stg_census__school_census') }}
    where not is_national_row

),

final as (

    select
        absence.urn,
        absence.academic_year,
        cast(absence.la_code as integer) as la_code,
        coalesce(absence.phase_code, phases.phase_code) as phase_code,
        absence.overall_absence_pct,
        absence.overall_absence_pct_reason,
        absence.persistent_absence_pct,
        absence.persistent_absence_pct_reason,
        absence.persistent_absence_threshold_pct,
        absence.authorised_absence_pct,
        absence.unauthorised_absence_pct,
        absence.severe_absence_pct,
        absence.severe_absence_pct_reason,
        absence.enrolments,
        -- Years without a census loaded (e.g. 2014-15) fall back to GIAS's latest number of pupils.
        cast(coalesce(absence.sessions_possible, census.pupils_on_roll, schools.number_of_pupils) as double precision) as overall_weight,
        cast(coalesce(absence.enrolments, census.pupils_on_roll, schools.number_of_pupils) as double precision) as persistent_weight,
        cast(coalesce(absence.enrolments, census.pupils_on_roll, schools.number_of_pupils) as integer) as pupils,
        absence.file_layout,
        absence.data_version
    from absence
    left join schools
        on schools.urn = absence.urn
    left join phases
        on phases.school_phase = schools.phase
    left join census
        on census.urn = absence.urn
        and census.academic_year = absence.academic_year

)

select * from final
