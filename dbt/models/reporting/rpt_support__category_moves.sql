-- RESTRICTED (never published): each school categorised in both terms whose support category changed since last
-- term, with what changed, in the seed's order and words (the restricted support lists name them).
with

moves as (

    select * from {{ ref('int_support_category_moves') }}
    where support_category <> previous_category

),

move_causes as (

    select * from {{ ref('int_support_category_move_causes') }}

),

causes as (

    select * from {{ ref('support_category_move_causes') }}

),

what_changed as (

    select
        move_causes.urn,
        string_agg(causes.cause, '; ' order by causes.cause_order) as what_changed
    from move_causes
    inner join causes
        on causes.cause_code = move_causes.cause_code
    group by move_causes.urn

),

final as (

    select
        moves.urn,
        moves.previous_term_end,
        moves.previous_category,
        moves.support_category,
        what_changed.what_changed
    from moves
    inner join what_changed
        on what_changed.urn = moves.urn

)

select * from final
