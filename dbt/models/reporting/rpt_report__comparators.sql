{#- The comparators of the warehouse's LA (var la_code), in one row: its region, how many LAs the LA code list
    places there and the fewest with figures a region figure needs (var region_min_la_share, and at least two), and
    how many neighbours the latest statistical-neighbours release lists for it. rpt_report__la_comparisons applies
    them; reports word their notes on the region and neighbour columns from them. -#}
with

la_measures as (

    select * from {{ ref('rpt_report__la_measures') }}
    where geography_level = 'la' and la_code = {{ var('la_code') }}

),

la_list as (

    select * from {{ ref('stg_la_codes__local_authorities') }}

),

neighbours as (

    select * from {{ ref('stg_statistical_neighbours__neighbours') }}
    where la_code = {{ var('la_code') }} and is_latest_release

),

-- The region the LA's own figures carry (one per LA), so the region figure averages the LAs filed beside it.
la_region as (

    select max(region_name) as region_name from la_measures

),

region_size as (

    select nullif(count(la_list.la_code), 0) as region_la_total
    from la_region
    left join la_list
        on la_list.region_name = la_region.region_name

),

neighbour_list as (

    select nullif(count(distinct neighbour_la_code), 0) as neighbour_count from neighbours

),

final as (

    select
        cast({{ var('la_code') }} as integer) as la_code,
        la_region.region_name,
        cast(region_size.region_la_total as integer) as region_la_total,
        {{ region_las_needed('region_size.region_la_total') }} as region_la_minimum,
        cast(neighbour_list.neighbour_count as integer) as neighbour_count
    from la_region
    cross join region_size
    cross join neighbour_list

)

select * from final
