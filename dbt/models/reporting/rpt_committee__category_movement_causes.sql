-- How many schools that changed category each cause explains (a school moved by two inputs counts for both), in
-- the seed's order; causes not shown when none (seed shown_when_none) appear only when they explain a move. No
-- rows until a term before the current one has been recorded.
with

causes as (

    select * from {{ ref('support_category_move_causes') }}

),

move_causes as (

    select * from {{ ref('int_support_category_move_causes') }}

),

previous_term as (

    select distinct previous_term_end from {{ ref('int_support_category_moves') }}

),

counts as (

    select cause_code, count(distinct urn) as schools
    from move_causes
    group by cause_code

),

final as (

    select
        causes.cause_order,
        causes.cause,
        cast(coalesce(counts.schools, 0) as integer) as schools
    from causes
    cross join previous_term
    left join counts
        on counts.cause_code = causes.cause_code
    where causes.shown_when_none or counts.schools > 0

)

select * from final
