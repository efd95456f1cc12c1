-- How many schools categorised in both terms moved to more support, to less, or stayed. One row once a term
-- before the current one has been recorded, none before.
with

moves as (

    select * from {{ ref('int_support_category_moves') }}
    where category_rank is not null and previous_category_rank is not null

),

final as (

    select
        previous_term_end,
        cast(count(case when category_rank > previous_category_rank then 1 end) as integer) as moved_to_more_support,
        cast(count(case when category_rank < previous_category_rank then 1 end) as integer) as moved_to_less_support,
        cast(count(case when category_rank = previous_category_rank then 1 end) as integer) as unchanged
    from moves
    group by previous_term_end

)

select * from final
