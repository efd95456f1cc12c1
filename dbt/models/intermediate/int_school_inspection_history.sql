with

inspections as (

    select * from {{ ref('stg_ofsted__inspections') }}

),

chain as (

    select * from {{ ref('int_school_predecessor_chain') }}

),

-- Every inspection of the school or of any of its predecessors, seen from the current URN.
chain_inspections as (

    select
        chain.urn,
        inspections.urn as inspected_urn,
        chain.generations_back,
        chain.generations_back > 0 as is_inherited_from_predecessor,
        inspections.inspection_number,
        inspections.inspection_type,
        inspections.inspection_start_date,
        inspections.inspection_end_date,
        inspections.publication_date,
        inspections.overall_effectiveness_grade,
        inspections.category_of_concern,
        inspections.overall_effectiveness_grade is not null
            or inspections.category_of_concern is not null as is_graded,
        inspections.ofsted_as_at_date
    from chain
    inner join inspections
        on inspections.urn = chain.predecessor_urn

),

sequenced as (

    select
        *,
        row_number() over (
            partition by urn
            order by inspection_start_date, publication_date, inspection_number
        ) as inspection_sequence,
        -- The previous graded judgement, following the chain back through predecessor URNs.
        {{ last_non_null('overall_effectiveness_grade', 'earlier_in_chain') }} as previous_effectiveness_grade
    from chain_inspections
    window earlier_in_chain as (
        partition by urn
        order by inspection_start_date, publication_date, inspection_number
        rows between unbounded preceding and 1 preceding
    )

),

final as (

    select
        cast(urn as integer) as urn,
        cast(inspected_urn as integer) as inspected_urn,
        cast(generations_back as integer) as generations_back,
        is_inherited_from_predecessor,
        inspection_number,
        inspection_type,
        inspection_start_date,
        inspection_end_date,
        publication_date,
        overall_effectiveness_grade,
        category_of_concern,
        is_graded,
        cast(inspection_sequence as integer) as inspection_sequence,
        previous_effectiveness_grade,
        ofsted_as_at_date
    from sequenced

)

select * from final
