with

support_categories as (

    select * from {{ ref('support_categories') }}

),

categorised_schools as (

    select * from {{ ref('fct_school_support_category') }}
    where categorisation_status = 'categorised'

),

counts as (

    select
        support_category,
        count(*) as school_count
    from categorised_schools
    group by support_category

),

-- Every category appears, with zero schools where none are in it.
final as (

    select
        support_categories.support_category,
        support_categories.category_name,
        support_categories.category_short_name,
        support_categories.category_rank,
        cast(coalesce(counts.school_count, 0) as integer) as school_count,
        support_categories.min_contacts_per_year,
        {{ round_to('coalesce(counts.school_count, 0) * support_categories.min_contacts_per_term', 1) }} as planned_contacts_per_term_total
    from support_categories
    left join counts
        on counts.support_category = support_categories.support_category

)

select * from final
