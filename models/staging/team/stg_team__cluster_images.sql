{#- The team's own duplicate-clusters JSON ({"clusters": [{"cluster_id", "images": [...]}]})
    and the key aliases their analyzer accepted: a top-level list, "duplicates" for
    "clusters", "members" for "images", image_id/image_path/class/category for fields.
    One row per image per cluster. Read with DuckDB's JSON functions: other engines stop
    in stg_inputs__files when the file is given, and select no rows here. -#}
{%- set _ = source('team', 'clusters') %}

{%- if target.type == 'duckdb' %}

    with source as (
        select * from {{ read_json_documents('team_clusters') }}
    ),

    documents as (
        select
            {{ display_path('source.filename') }} as clusters_file,
            case
                when json_type(source.json) = 'ARRAY' then source.json
                else coalesce(source.json -> 'clusters', source.json -> 'duplicates')
            end as clusters_json
        from source
    ),

    clusters as (
        select
            documents.clusters_file,
            clusters.cluster,
            clusters.cluster_ordinal
        from documents,
            unnest(cast(documents.clusters_json as json[])) with ordinality
                as clusters (cluster, cluster_ordinal)
    ),

    images as (
        select
            clusters.clusters_file,
            clusters.cluster_ordinal,
            coalesce(clusters.cluster ->> 'cluster_id', clusters.cluster ->> 'id')
                as team_cluster_id,
            images.image,
            images.image_ordinal
        from clusters,
            unnest(cast(
                coalesce(clusters.cluster -> 'images', clusters.cluster -> 'members') as json[]
            )) with ordinality as images (image, image_ordinal)
    ),

    renamed as (
        select
        ---------- ids
            team_cluster_id,
            trim(coalesce(image ->> 'id', image ->> 'image_id')) as team_image_id,

            ---------- where the record came from
            clusters_file,
            cast(cluster_ordinal - 1 as integer) as cluster_index,
            cast(image_ordinal - 1 as integer) as image_index,

            ---------- strings
            {{ dataset_path("coalesce(image ->> 'path', image ->> 'image_path', image ->> 'filename')") }}
                as image_path,
            image ->> 'filename' as file_name,
            trim(coalesce(image ->> 'label', image ->> 'class', image ->> 'category'))
                as label_text,
            image ->> 'split' as split_text
        from images
    )

    select * from renamed

{%- else %}

{{ empty_select([
    ['team_cluster_id', 'string'],
    ['team_image_id', 'string'],
    ['clusters_file', 'string'],
    ['cluster_index', 'integer'],
    ['image_index', 'integer'],
    ['image_path', 'string'],
    ['file_name', 'string'],
    ['label_text', 'string'],
    ['split_text', 'string']
]) }}

{%- endif %}
