with

history as (

    select * from {{ ref('int_school_inspection_history') }}

),

-- The latest graded inspection of the school itself; when the current URN has none (a new academy or an
-- amalgamated school), the latest graded inspection of its nearest predecessor. Ungraded inspections count
-- only when nothing in the chain was ever graded.
ranked as (

    select
        *,
        row_number() over (
            partition by urn
            order by is_graded desc, generations_back, inspection_start_date desc, publication_date desc, inspection_number desc
        ) as latest_rank,
        count(*) over (partition by urn) as chain_inspection_count,
        max(inspection_start_date) over (partition by urn) as latest_any_inspection_start_date
    from history

),

final as (

    select
        urn,
        inspected_urn,
        generations_back,
        is_inherited_from_predecessor,
        inspection_number,
        inspection_type,
        inspection_start_date,
        publication_date,
        overall_effectiveness_grade,
        category_of_concern,
        is_graded,
        previous_effectiveness_grade,
        cast(chain_inspection_count as integer) as chain_inspection_count,
        latest_any_inspection_start_date,
        ofsted_as_at_date
    from ranked
    where latest_rank = 1

)

select * from final
