{#- Which image sits in which duplicate group at which similarity level: VL's duplicates
    issues (a group is the pair duplicate_threshold + duplicate_group_id, R2), the
    team's clusters, which count as exact groups at var duplicate_threshold, and the
    similarity pairs of fastdup (similarity.csv, saved frames, connected_components.csv)
    and of a VL-datasets issue list (a Duplicate or Leakage row and its prototype).
    A pair is a group at its similarity, except that any similarity at or above var
    duplicate_threshold counts at that level (a pair at 1.0 is also a pair at 0.99);
    pairs below var near_duplicate_threshold are used by no cluster and left out. The
    pairs of one image at one level form one group (a star around the `from` image), so
    the connected components downstream see about one row per pair, not two. -#}
{%- set eps = 0.0000001 %}

with metadata_items as (
    select
        media_id,
        raw_issue_type,
        duplicate_group_id,
        duplicate_threshold
    from {{ ref('stg_vl__metadata_items') }}
    where entry_type = 'issue' and duplicate_group_id is not null
),

issue_types as (
    select
        raw_issue_type,
        issue_type
    from {{ ref('issue_type_aliases') }}
),

vl_images as (
    select
        media_id,
        image_id
    from {{ ref('int_media_items_matched_to_images') }}
),

team_images as (
    select
        team_cluster_id,
        clusters_file,
        image_id
    from {{ ref('int_team_images_matched') }}
),

vl_memberships as (
    select distinct
        vl_images.image_id,
        concat(
            'vl:', cast(metadata_items.duplicate_threshold as {{ dbt.type_string() }}),
            ':', metadata_items.duplicate_group_id
        ) as group_key,
        metadata_items.duplicate_group_id,
        metadata_items.duplicate_threshold as threshold,
        'vl_export' as origin
    from metadata_items
    inner join issue_types
        on lower(trim(metadata_items.raw_issue_type)) = issue_types.raw_issue_type
    inner join vl_images on metadata_items.media_id = vl_images.media_id
    where issue_types.issue_type = 'duplicate'
),

listed_images as (
    select
        ref_source,
        image_ref,
        image_id
    from {{ ref('int_pair_images_matched') }}
    where image_id is not null
),

fastdup_pairs as (
    select
        from_ref,
        to_ref,
        similarity
    from {{ ref('stg_fastdup__pairs') }}
    where similarity >= {{ var('near_duplicate_threshold') }} - {{ eps }}
),

fastdup_components as (
    select
        image_ref,
        component_id,
        {#- V1 files give each image's weakest edge: the component holds at the weakest
            edge of all its members. Legacy files have none: var fastdup_cc_threshold. #}
        coalesce(
            min(min_similarity) over (partition by component_id),
            {{ var('fastdup_cc_threshold') }}
        ) as similarity
    from {{ ref('stg_fastdup__components') }}
),

issue_pairs as (
    select
        issue_rows.image_ref as from_ref,
        issue_rows.prototype_ref as to_ref,
        coalesce(issue_rows.value, {{ var('duplicate_threshold') }}) as similarity
    from {{ ref('stg_vl_datasets__issue_rows') }} as issue_rows
    inner join issue_types on issue_rows.raw_issue_type = issue_types.raw_issue_type
    where issue_types.issue_type in ('duplicate', 'leak')
        and issue_rows.prototype_ref is not null
        and coalesce(issue_rows.value, {{ var('duplicate_threshold') }})
        >= {{ var('near_duplicate_threshold') }} - {{ eps }}
),

pairs_matched as (
    select
        'fastdup_similarity' as origin,
        from_images.image_id as from_image_id,
        to_images.image_id as to_image_id,
        {{ similarity_level('fastdup_pairs.similarity') }} as threshold
    from fastdup_pairs
    inner join listed_images as from_images
        on from_images.ref_source = 'fastdup' and fastdup_pairs.from_ref = from_images.image_ref
    inner join listed_images as to_images
        on to_images.ref_source = 'fastdup' and fastdup_pairs.to_ref = to_images.image_ref
    union all
    select
        'vl_issue_list',
        from_images.image_id as from_image_id,
        to_images.image_id as to_image_id,
        {{ similarity_level('issue_pairs.similarity') }}
    from issue_pairs
    inner join listed_images as from_images
        on from_images.ref_source = 'vl_issue_list' and issue_pairs.from_ref = from_images.image_ref
    inner join listed_images as to_images
        on to_images.ref_source = 'vl_issue_list' and issue_pairs.to_ref = to_images.image_ref
),

pair_groups as (
    select
        pairs_matched.*,
        concat(
            pairs_matched.origin,
            ':',
            cast(pairs_matched.threshold as {{ dbt.type_string() }}),
            ':',
            pairs_matched.from_image_id
        )
            as group_key
    from pairs_matched
),

pair_memberships as (
    select distinct
        from_image_id as image_id,
        group_key,
        from_image_id as duplicate_group_id,
        threshold,
        origin
    from pair_groups
    union all
    select
        to_image_id,
        group_key,
        from_image_id,
        threshold,
        origin
    from pair_groups
),

component_memberships as (
    select distinct
        component_images.image_id,
        concat('fastdup_components:', fastdup_components.component_id) as group_key,
        fastdup_components.component_id as duplicate_group_id,
        {{ similarity_level('fastdup_components.similarity') }} as threshold,
        'fastdup_components' as origin
    from fastdup_components
    inner join listed_images as component_images
        on component_images.ref_source = 'fastdup'
        and fastdup_components.image_ref = component_images.image_ref
    where fastdup_components.similarity >= {{ var('near_duplicate_threshold') }} - {{ eps }}
),

team_memberships as (
    select distinct
        image_id,
        concat('team:', clusters_file, ':', team_cluster_id) as group_key,
        team_cluster_id as duplicate_group_id,
        cast({{ var('duplicate_threshold') }} as {{ dbt.type_float() }}) as threshold,
        'team_clusters' as origin
    from team_images
    where image_id is not null
),

final as (
    select * from vl_memberships
    union all
    select * from team_memberships
    union all
    select * from pair_memberships
    union all
    select * from component_memberships
)

select * from final
