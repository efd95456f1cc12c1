with

links as (

    select * from {{ ref('stg_gias__links') }}

),

establishments as (

    select * from {{ ref('int_school_register') }}

),

school_information as (

    select * from {{ ref('stg_school_information__schools') }}

),

ks2 as (

    select * from {{ ref('stg_ks2__school_results') }}

),

-- One edge per (later URN, earlier URN). GIAS publishes each link from both ends, so a predecessor-type row on the
-- new URN and a successor-type row on the old URN describe the same edge; either one is enough. Without a GIAS
-- links file, the performance tables' school information (OTHERURN) and KS2 URN_AC give the same edges.
succession_edges as (

    select distinct later_urn, earlier_urn
    from (
        select urn as later_urn, link_urn as earlier_urn
        from links
        where link_direction = 'predecessor'
        union all
        select link_urn as later_urn, urn as earlier_urn
        from links
        where link_direction = 'successor'
        union all
        select urn as later_urn, predecessor_urn as earlier_urn
        from school_information
        where predecessor_urn is not null
        union all
        select successor_urn as later_urn, urn as earlier_urn
        from school_information
        where successor_urn is not null
        union all
        select academy_urn as later_urn, urn as earlier_urn
        from ks2
        where academy_urn is not null
    ) as edges
    where later_urn <> earlier_urn

),

school_urns as (

    select urn from establishments
    union
    select later_urn as urn from succession_edges

),

-- Walk back through predecessors of predecessors; the path (URNs joined by ' <- ', as text so that both warehouses
-- read it) guards against cycles in the links file.
walked as (

    select *
    from (
        with recursive walk (urn, predecessor_urn, generations_back, urn_path) as (
            select
                urn,
                urn,
                0,
                cast(urn as varchar)
            from school_urns
            union all
            select
                walk.urn,
                edge.earlier_urn,
                walk.generations_back + 1,
                cast(walk.urn_path || ' <- ' || cast(edge.earlier_urn as varchar) as varchar)
            from walk
            inner join succession_edges as edge
                on edge.later_urn = walk.predecessor_urn
            where position(' <- ' || cast(edge.earlier_urn as varchar) || ' <- ' in ' <- ' || walk.urn_path || ' <- ') = 0
        )
        select * from walk
    ) as recursion

),

-- A predecessor reachable by two routes (e.g. after a merger) keeps its nearest generation (of two equally near
-- routes, the first path in text order).
nearest_route as (

    select
        urn,
        predecessor_urn,
        generations_back,
        urn_path as succession_path
    from walked

),

nearest as (

    {{ keep_rows('nearest_route', "row_number() over (
        partition by urn, predecessor_urn order by generations_back, succession_path
    ) = 1") }}

),

final as (

    select
        cast(urn as integer) as urn,
        cast(predecessor_urn as integer) as predecessor_urn,
        cast(generations_back as integer) as generations_back,
        generations_back = 0 as is_self,
        succession_path
    from nearest

)

select * from final
