/* The floor of reading: libyaml's event parser over every plan file of a folder, building
 * nothing, on THREADS threads (files shared out in turn, as Maquette shares operation files).
 * Usage: yaml_events PLANS_DIR [THREADS]   prints the events counted and the seconds taken. */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

static char **paths;
static size_t count, capacity;

static void add(const char *path) {
    if (count == capacity) {
        capacity = capacity ? 2 * capacity : 1024;
        paths = realloc(paths, capacity * sizeof *paths);
    }
    paths[count++] = strdup(path);
}

static void list(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || n < 5 || strcmp(e->d_name + n - 5, ".yaml")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        add(path);
    }
    closedir(d);
}

typedef struct { size_t first, step; long events; } job;

static void *parse(void *arg) {
    job *j = arg;
    for (size_t i = j->first; i < count; i += j->step) {
        FILE *f = fopen(paths[i], "rb");
        if (!f) continue;
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        rewind(f);
        unsigned char *text = malloc(size + 1);
        if (fread(text, 1, size, f) != (size_t)size) size = 0;
        fclose(f);
        yaml_parser_t parser;
        yaml_parser_initialize(&parser);
        yaml_parser_set_input_string(&parser, text, size);
        yaml_event_t event;
        int done = 0;
        while (!done) {
            if (!yaml_parser_parse(&parser, &event)) break;
            done = event.type == YAML_STREAM_END_EVENT;
            j->events++;
            yaml_event_delete(&event);
        }
        yaml_parser_delete(&parser);
        free(text);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    int threads = argc > 2 ? atoi(argv[2]) : 2;
    if (threads < 1) threads = 1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char path[4096];
    snprintf(path, sizeof path, "%s/programme.yaml", argv[1]);
    add(path);
    snprintf(path, sizeof path, "%s/financeurs.yaml", argv[1]);
    add(path);
    snprintf(path, sizeof path, "%s/operations", argv[1]);
    list(path);
    snprintf(path, sizeof path, "%s/scenarios", argv[1]);
    list(path);
    pthread_t *ids = calloc(threads, sizeof *ids);
    job *jobs = calloc(threads, sizeof *jobs);
    for (int t = 0; t < threads; t++) {
        jobs[t] = (job){t, (size_t)threads, 0};
        pthread_create(&ids[t], NULL, parse, &jobs[t]);
    }
    long events = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        events += jobs[t].events;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%ld events in %zu files: %.3f s\n", events, count, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
