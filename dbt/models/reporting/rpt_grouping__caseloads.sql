{#- RESTRICTED: each link adviser's caseload as the groupings return assigns it on the report date - schools,
    pupils, the Ofsted outcomes in force and the Table One support categories of the schools - for the head of school
    improvement's planning. Never published (names advisers; counts categories). -#}
with

caseloads as (

    select * from {{ ref('fct_grouping_current') }}
    where grouping_type = 'link_adviser'

),

final as (

    select
        grouping_name as adviser_name,
        as_at_date,
        member_schools,
        pupils_on_roll,
        schools_judged,
        schools_good_or_outstanding,
        schools_good_or_outstanding_pct,
        ofsted_outstanding_schools,
        ofsted_good_schools,
        ofsted_good_with_concerns_schools,
        ofsted_requires_improvement_schools,
        ofsted_sm_swk_schools,
        ofsted_no_grade_schools,
        ofsted_not_inspected_schools,
        categorised_schools,
        causing_concern_schools,
        category_outstanding_schools,
        category_securely_good_schools,
        category_good_of_concern_schools,
        category_ri_capacity_secure_schools,
        category_ri_capacity_not_secure_schools,
        category_sm_swk_schools
    from caseloads

)

select * from final
