-- Schools in each support category last term and this term, and how many joined or left it (every category, zero
-- where none). No rows until a term before the current one has been recorded.
with

support_categories as (

    select * from {{ ref('support_categories') }}

),

moves as (

    select * from {{ ref('int_support_category_moves') }}

),

previous_term as (

    select distinct previous_term_end from moves

),

final as (

    select
        previous_term.previous_term_end,
        support_categories.support_category,
        support_categories.category_rank,
        cast(count(case when moves.previous_category = support_categories.support_category then 1 end) as integer)
            as previous_count,
        cast(count(case when moves.support_category = support_categories.support_category then 1 end) as integer)
            as current_count,
        cast(count(case
            when moves.support_category = support_categories.support_category
                and moves.previous_category is distinct from support_categories.support_category then 1
        end) as integer) as schools_joined,
        cast(count(case
            when moves.previous_category = support_categories.support_category
                and moves.support_category is distinct from support_categories.support_category then 1
        end) as integer) as schools_left
    from support_categories
    cross join previous_term
    left join moves
        on support_categories.support_category in (moves.support_category, moves.previous_category)
    group by previous_term.previous_term_end, support_categories.support_category, support_categories.category_rank

)

select * from final
