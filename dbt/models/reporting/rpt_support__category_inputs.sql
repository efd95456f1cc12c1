-- RESTRICTED (never published): every categorised school's support category with the inputs it rests on. Each
-- committee report records these rows for its term (under the restricted folder); the next term's report compares
-- with them to count movement between categories and say which input moved each school.
with

categories as (

    select * from {{ ref('fct_school_support_category') }}
    where categorisation_status = 'categorised'

),

final as (

    select
        urn,
        support_category,
        category_rank,
        latest_inspection_number,
        capacity_state,
        capacity_judged_on,
        adviser_main_concern,
        is_overridden,
        override_decided_on,
        latest_results_year,
        risk_flags,
        rule_version
    from categories

)

select * from final
