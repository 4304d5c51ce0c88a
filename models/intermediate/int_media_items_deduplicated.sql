{#- One row per VL media_id, merging the copies that overlapping export files carry.
    The first copy (by file, then position) supplies the fields; the counts of distinct
    paths and names let int_input_problems_collected report copies that contradict. -#}

with media_items as (
    select
        media_id,
        export_file,
        item_index,
        media_type,
        file_name,
        file_path,
        visual_cluster_id,
        uniqueness_score,
        height_px,
        width_px,
        file_size_bytes
    from {{ ref('stg_vl__media_items') }}
    where media_id is not null and media_id != ''
),

ranked as (
    select
        *,
        row_number() over (
            partition by media_id order by export_file, item_index
        ) as copy_rank,
        count(*) over (partition by media_id) as copies
    from media_items
),

distinct_paths as (
    select
        media_id,
        count(distinct {{ dataset_path('file_path') }}) as distinct_paths,
        count(distinct export_file) as export_files
    from media_items
    group by 1
),

final as (
    select
        ranked.media_id,
        ranked.visual_cluster_id,
        ranked.export_file as first_export_file,
        ranked.item_index as first_item_index,
        ranked.media_type,
        ranked.file_name,
        ranked.file_path,
        {{ dataset_path('ranked.file_path') }} as dataset_path,
        ranked.uniqueness_score,
        ranked.height_px,
        ranked.width_px,
        ranked.file_size_bytes,
        ranked.copies,
        distinct_paths.export_files,
        distinct_paths.distinct_paths
    from ranked
    inner join distinct_paths on ranked.media_id = distinct_paths.media_id
    where ranked.copy_rank = 1
)

select * from final
