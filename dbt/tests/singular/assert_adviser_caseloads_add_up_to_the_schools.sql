-- Every school in rpt_service__delivery is in exactly one caseload, and the caseloads' contacts and flags add up to
-- the school rows: a school lost or counted twice by the grouping join would show here.
-- Shown in Dagster as a check on rpt_service__adviser_caseload.
{{ config(meta={'dagster': {'ref': {'name': 'rpt_service__adviser_caseload'}}}) }}
with

schools as (

    select
        count(*) as schools,
        count(*) filter (where governance = 'maintained') + count(*) filter (where governance = 'academy') as by_governance,
        coalesce(sum(contacts_counted), 0) as contacts_counted,
        count(*) filter (where under_delivered) as under_delivered
    from {{ ref('rpt_service__delivery') }}

),

caseloads as (

    select
        coalesce(sum(schools), 0) as schools,
        coalesce(sum(maintained_schools + academies), 0) as by_governance,
        coalesce(sum(contacts_counted), 0) as contacts_counted,
        coalesce(sum(schools_under_delivered), 0) as under_delivered
    from {{ ref('rpt_service__adviser_caseload') }}

)

select schools.*, caseloads.*
from schools, caseloads
where schools.schools <> caseloads.schools
    or schools.by_governance <> caseloads.by_governance
    or schools.by_governance <> schools.schools
    or schools.contacts_counted <> caseloads.contacts_counted
    or schools.under_delivered <> caseloads.under_delivered
