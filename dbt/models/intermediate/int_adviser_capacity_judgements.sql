{#- Adviser judgements of leadership capacity to improve, with the adviser's main concern, from the
    capacity_judgements return in force. The seeds name the LA's own assessment as an input of Table One (and the LA
    intervention note a school 'identified ... as a school with ... areas of possible concern'): a main concern, or
    capacity judged not secure, is an adviser concern whatever Ofsted said. A school with no row has no judgement yet:
    the categorisation treats its capacity as not secure and says so. -#}
with

judgements as (

    select * from {{ ref('stg_returns__capacity_judgements') }}

),

final as (

    select
        urn,
        capacity_to_improve,
        main_concern,
        replace(main_concern, '_', ' ') as main_concern_words,
        main_concern is not null or capacity_to_improve = 'not_secure' as has_adviser_concern,
        judged_on,
        adviser as adviser_name,
        rationale
    from judgements

)

select * from final
