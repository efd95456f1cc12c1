{#- RESTRICTED (never published): the schools causing concern register as the register report shows it. From the
LA's register returns once one is loaded; until then from the latest categorisation - the schools in a
causing-concern category, with the categorisation reasons as the key concerns and the visits the category entitles
them to as the support offered (fields only the returns hold stay NULL). -#}
with

register as (

    select * from {{ ref('fct_causing_concern_register') }}

),

register_returns as (

    select count(*) > 0 as is_loaded
    from {{ ref('stg_returns__versions') }}
    where return_name = 'causing_concern_register'

),

categorised as (

    select * from {{ ref('fct_school_support_category') }}
    where is_causing_concern

),

schools as (

    select * from {{ ref('dim_school') }}

),

from_returns as (

    select
        register.urn,
        coalesce(register.school_name, schools.school_name) as school_name,
        register.date_added,
        register.key_concerns,
        register.support_offered,
        register.progress_and_actions,
        register.next_steps,
        register.lead_professional,
        register.months_on_register,
        register.reviews_this_term,
        register.next_review_due as next_review_date,
        'register returns' as built_from,
        row_number() over (order by register.date_added, register.urn) as register_order
    from register
    left join schools using (urn)
    where (select is_loaded from register_returns)

),

from_categorisation as (

    select
        categorised.urn,
        schools.school_name,
        cast(null as date) as date_added,
        categorised.reasons as key_concerns,
        categorised.category_name || ': at least ' || categorised.min_contacts_per_year || ' contacts a year'
            as support_offered,
        cast(null as varchar) as progress_and_actions,
        cast(null as varchar) as next_steps,
        cast(null as varchar) as lead_professional,
        cast(null as integer) as months_on_register,
        cast(null as integer) as reviews_this_term,
        cast(null as date) as next_review_date,
        'latest categorisation' as built_from,
        row_number() over (
            order by categorised.category_rank desc nulls last, schools.school_name, categorised.urn
        ) as register_order
    from categorised
    inner join schools using (urn)
    where not (select is_loaded from register_returns)

),

final as (

    select * from from_returns
    union all
    select * from from_categorisation

)

select
    urn,
    school_name,
    date_added,
    key_concerns,
    support_offered,
    progress_and_actions,
    next_steps,
    lead_professional,
    months_on_register,
    reviews_this_term,
    next_review_date,
    built_from,
    cast(register_order as integer) as register_order
from final
