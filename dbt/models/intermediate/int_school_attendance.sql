{#- Attendance per school and year: overall, persistent and severe absence beside the LA and England figures for
    the school's phase, and the change in persistent absence since the previous academic year. A change is given
    only between consecutive years on the same persistent-absence threshold (none across 2019-20 and 2020-21,
    which DfE did not publish at school level, or across the 15% to 10% change in 2015-16). -#}
with

schools as (

    select * from {{ ref('int_school_attendance_inputs') }}

),

areas as (

    select * from {{ ref('int_absence_area_comparators') }}

),

phases as (

    select distinct phase_code, phase_name from {{ ref('absence_phases') }}

),

with_previous as (

    select
        schools.*,
        previous.persistent_absence_pct as previous_persistent_absence_pct,
        previous.overall_absence_pct as previous_overall_absence_pct
    from schools
    left join schools as previous
        on previous.urn = schools.urn
        and previous.academic_year = {{ previous_academic_year('schools.academic_year') }}
        and previous.persistent_absence_threshold_pct = schools.persistent_absence_threshold_pct

),

final as (

    select
        with_previous.urn,
        with_previous.academic_year,
        with_previous.la_code,
        with_previous.phase_code,
        phases.phase_name,
        with_previous.overall_absence_pct,
        with_previous.overall_absence_pct_reason,
        with_previous.persistent_absence_pct,
        with_previous.persistent_absence_pct_reason,
        with_previous.persistent_absence_threshold_pct,
        with_previous.authorised_absence_pct,
        with_previous.unauthorised_absence_pct,
        with_previous.severe_absence_pct,
        with_previous.severe_absence_pct_reason,
        with_previous.pupils,
        la.overall_absence_pct as la_overall_absence_pct,
        la.persistent_absence_pct as la_persistent_absence_pct,
        national.overall_absence_pct as national_overall_absence_pct,
        national.persistent_absence_pct as national_persistent_absence_pct,
        national.value_source as national_value_source,
        with_previous.persistent_absence_pct - national.persistent_absence_pct as persistent_vs_national_pts,
        with_previous.previous_persistent_absence_pct,
        with_previous.persistent_absence_pct - with_previous.previous_persistent_absence_pct as persistent_change_pts,
        with_previous.overall_absence_pct - with_previous.previous_overall_absence_pct as overall_change_pts,
        with_previous.file_layout,
        with_previous.data_version
    from with_previous
    left join phases
        on phases.phase_code = with_previous.phase_code
    left join areas as la
        on la.geography_level = 'la'
        and la.la_code = with_previous.la_code
        and la.phase_code = with_previous.phase_code
        and la.academic_year = with_previous.academic_year
    left join areas as national
        on national.geography_level = 'national'
        and national.phase_code = with_previous.phase_code
        and national.academic_year = with_previous.academic_year

)

select * from final
