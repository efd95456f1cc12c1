{#- Why each school that changed category moved: one row per school and cause (seed support_category_move_causes),
    a school moved by two inputs having two rows, and one whose recorded inputs did not change 'unexplained'. -#}
with

moves as (

    select * from {{ ref('int_support_category_moves') }}
    where support_category <> previous_category

),

changed_inputs as (

    select urn, 'new_inspection' as cause_code from moves where has_new_inspection
    union all
    select urn, 'new_la_assessment' from moves where has_new_la_assessment
    union all
    select urn, 'override' from moves where has_new_override
    union all
    select urn, 'new_results' from moves where has_new_results
    union all
    select urn, 'new_rules' from moves where has_new_rules

),

unexplained as (

    select moves.urn, 'unexplained' as cause_code
    from moves
    left join changed_inputs
        on changed_inputs.urn = moves.urn
    where changed_inputs.urn is null

),

final as (

    select urn, cause_code from changed_inputs
    union all
    select urn, cause_code from unexplained

)

select * from final
